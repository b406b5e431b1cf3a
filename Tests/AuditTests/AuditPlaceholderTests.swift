import Testing
@testable import Audit

@Suite struct AuditTargetTests {
    @Test func targetLinks() { #expect(String(describing: Audit.self) == "Audit") }
}
