"""Local HTTP servers standing in for remote services, answering in their exact shape."""
