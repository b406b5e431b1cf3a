/// RFC 8659 Certification Authority Authorization: properties, the relevant-RRset climb, the issuance decision.
public enum CAA {}
