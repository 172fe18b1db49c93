#!/usr/bin/env python3
"""maxrss.py FILE CMD [ARG...]: runs CMD, writes the peak resident set size
of CMD and its children, in KiB (getrusage's ru_maxrss on Linux), to FILE,
and exits as CMD did (128 + N when it was killed by signal N)."""
import resource
import subprocess
import sys


def main(argv):
    if len(argv) < 3:
        sys.exit("usage: maxrss.py FILE CMD [ARG...]")
    rc = subprocess.call(argv[2:])
    with open(argv[1], "w") as f:
        f.write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    sys.exit(128 - rc if rc < 0 else rc)


if __name__ == "__main__":
    main(sys.argv)
