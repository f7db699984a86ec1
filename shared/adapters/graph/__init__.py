"""Microsoft Graph v1.0 over plain HTTP (httpx), with the app's managed identity."""
