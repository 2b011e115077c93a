"""The fast doors (`credential-process`, `list`): answers from on-disk indexes before argparse or the catalog load.

They read argv and print, so they live outside the pure core; they import only the standard library and the
cheapest core modules."""
