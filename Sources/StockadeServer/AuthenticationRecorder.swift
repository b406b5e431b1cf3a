public import Foundation
public import MailAuthentication
public import Milter
public import SPF

/// Where the milter hands each checked message, with what it decided, for the DMARC aggregate reports of RFC 9990.
public protocol AuthenticationRecorder: Sendable {
    func record(_ authentication: MessageAuthentication, client: SPF.ClientAddress, message: MilterMessage,
                decision: MilterDecision, at date: Date) async
}
