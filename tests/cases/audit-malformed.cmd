audit logs/malformed.xml logs/q1-2015.xml
