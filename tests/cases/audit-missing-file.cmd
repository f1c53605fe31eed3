audit logs/no-such-file.xml
