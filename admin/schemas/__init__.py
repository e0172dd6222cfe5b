"""Input and output shapes shared by the panel's forms, the REST API and its OpenAPI document:
one definition, so a form field and an API field are checked the same way."""
