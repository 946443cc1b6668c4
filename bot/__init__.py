"""Platform adapters, application wiring and the command line."""
