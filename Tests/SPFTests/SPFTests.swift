// SPF tests (issue 15).
