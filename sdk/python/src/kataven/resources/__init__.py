"""The API's resources, grouped as the service's blueprints are."""
