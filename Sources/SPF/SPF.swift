// SPF (RFC 7208): record, mechanisms, macros, limits, results. Being built for issue 15.
