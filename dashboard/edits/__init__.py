"""What people write in Scaleboard (decisions, targets, annotations, accounts) and the audit
of every write, in a store apart from the ETL's data."""
