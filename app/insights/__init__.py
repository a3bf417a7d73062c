"""What the help desk should write next and what the troubleshooter saved it: the
events a visit leaves (anonymously), read as walks, gaps and deflection."""
