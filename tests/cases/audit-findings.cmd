audit logs/findings.xml
