// DKIM (RFC 6376, 8463, 8301): tag lists, canonicalization, verification, signing, key records. Being built for issue 15.
