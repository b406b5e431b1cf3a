import Testing
@testable import Reports

@Suite struct ReportsTargetTests {
    @Test func targetLinks() { #expect(String(describing: Reports.self) == "Reports") }
}
