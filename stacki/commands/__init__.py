"""The commands, one module per noun; discovered by stacki.framework.command.registry."""
