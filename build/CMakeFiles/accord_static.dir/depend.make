# Empty dependencies file for accord_static.
# This may be replaced when dependencies are built.
