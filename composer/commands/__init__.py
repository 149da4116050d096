"""One module per `composer` sub-command: argument parsing here, work in the services."""
