extension DomainAuditor {
    func publicationFindings(_ domain: String) async -> [Finding] { [] }
}
