"""Personal data: the candidate's consent to its processing (asked before anything personal is
kept, asked again when the consent text changes), the copy of everything held about a person
that they may ask for, its erasure (by the person, by an admin, by the retention limit) leaving
an anonymous row that the funnel still counts, and the retention limit itself."""
