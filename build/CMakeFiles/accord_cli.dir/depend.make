# Empty dependencies file for accord_cli.
# This may be replaced when dependencies are built.
