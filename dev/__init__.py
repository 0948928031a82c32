"""Development tools: sample generators and data scripts (not installed)."""
