"""The exit codes of ``ncpm``: 0 done; 1 input problems (the list is printed); 2 usage, configuration or another run
in progress; 3 internal error (with a log path); 141 the reader of the output went away, as the shell reports it."""

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_BROKEN_PIPE = 128 + 13  # killed by SIGPIPE, as the shell reports it
