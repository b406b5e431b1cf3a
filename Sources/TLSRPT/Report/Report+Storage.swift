extension Policy {
    /// The policy as the compact JSON of its report member (RFC 8460 §4.4): one text per distinct policy, so a store
    /// can count sessions per policy without knowing the format.
    package var storageText: String { String(decoding: JSONWriter.write(jsonValue), as: UTF8.self) }

    /// A policy from its ``storageText``.
    package init(storageText: String) throws(TLSRPTError) {
        var reader = ReportReader()
        self = try reader.policy(JSONReader.read(Array(storageText.utf8)), path: "policy")
    }
}

extension FailureDetail {
    /// The detail as the compact JSON of its report member with a count of 1: one text per distinct failure.
    package var storageText: String {
        var single = self
        single.failedSessionCount = 1
        return String(decoding: JSONWriter.write(single.jsonValue), as: UTF8.self)
    }

    /// A detail from its ``storageText`` with the count of times it occurred.
    package init(storageText: String, count: Int) throws(TLSRPTError) {
        var reader = ReportReader()
        self = try reader.failureDetail(JSONReader.read(Array(storageText.utf8)), path: "failure-details[0]")
        failedSessionCount = count
    }
}
