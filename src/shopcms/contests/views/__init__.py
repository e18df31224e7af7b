"""The contests' views: ``response`` (the desk's page of the response per campaign tag,
its chart and its CSV file)."""
