"""Pure decisions: plain functions over plain data, a clock passed in, no I/O."""
