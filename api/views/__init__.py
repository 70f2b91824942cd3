"""API views, one per operation, each with its own input and output serializers."""
