# Empty dependencies file for accord_obj.
# This may be replaced when dependencies are built.
