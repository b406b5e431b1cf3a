/// A placeholder replaced by the publication comparison below.
public struct ExpectedRecord: Sendable, Hashable {}
