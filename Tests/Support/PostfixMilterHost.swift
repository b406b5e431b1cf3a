package import Foundation

/// A private Postfix 3.7 instance for one test: an `smtpd` on `address:port` with `smtpd_milters` pointing at the
/// milter under test, relaying every accepted message to the lab's SMTP sink. Its own config, queue and data
/// directories in a fresh temporary directory; the instance's log is `maillog`. Needs root (`postfix start`, the queue
/// owned by `postfix`); as root, Postfix 3.7 starts `postfix -c DIR` without an `alternate_config_directories` entry.
package final class PostfixMilterHost {
    package let directory: URL
    package let address: String
    package let port: Int
    private var running = false

    package var config: String { directory.appendingPathComponent("config").path }
    package var maillog: String { directory.appendingPathComponent("maillog").path }

    /// - Parameters:
    ///   - milter: Postfix's milter address, e.g. `inet:127.0.0.1:8891`.
    ///   - relay: the lab sink, `host:port`.
    ///   - settings: extra `main.cf` lines, e.g. `smtpd_authorized_xclient_hosts = 127.0.0.0/8`.
    package init(address: String, port: Int, milter: String, relay: String, settings: [String] = []) throws {
        self.address = address
        self.port = port
        directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("stockade-milter-postfix-\(UUID().uuidString.prefix(8))")
        let queue = directory.appendingPathComponent("queue").path
        let data = directory.appendingPathComponent("data").path
        try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: true)
        // The queue as `post-install create-missing` makes it (owners and modes of Debian's postfix-files); the
        // quick-start flag skips postfix-script's integrity checks, as lab/lib/mta.sh does.
        try runTool("install", ["-d", "-o", "postfix", "-g", "root", "-m", "700", data]
            + ["active", "bounce", "corrupt", "defer", "deferred", "flush", "hold", "incoming", "private", "saved", "trace"].map { "\(queue)/\($0)" })
        try runTool("install", ["-d", "-o", "postfix", "-g", "postdrop", "-m", "730", "\(queue)/maildrop"])
        try runTool("install", ["-d", "-o", "postfix", "-g", "postdrop", "-m", "710", "\(queue)/public"])
        try runTool("install", ["-d", "-o", "root", "-g", "root", "-m", "755", "\(queue)/pid"])
        FileManager.default.createFile(atPath: "\(queue)/quick-start", contents: nil)
        let main = """
            compatibility_level = 3.6
            queue_directory = \(queue)
            data_directory = \(data)
            meta_directory = /etc/postfix
            mail_owner = postfix
            setgid_group = postdrop
            myhostname = milter.lab.test
            mydomain = lab.test
            mydestination =
            mynetworks = 127.0.0.0/8
            inet_interfaces = 127.0.0.1
            inet_protocols = ipv4
            smtpd_peername_lookup = no
            smtp_dns_support_level = disabled
            smtp_host_lookup = native
            relayhost = [\(relay.split(separator: ":")[0])]:\(relay.split(separator: ":")[1])
            smtpd_relay_restrictions = permit_mynetworks, reject
            local_recipient_maps =
            alias_maps =
            alias_database =
            maillog_file = \(maillog)
            maillog_file_prefixes = \(directory.path)
            smtpd_milters = \(milter)
            milter_protocol = 6
            milter_default_action = tempfail

            """ + settings.map { "\($0)\n" }.joined()
        let master = """
            \(address):\(port) inet n - n - - smtpd
            cleanup   unix  n - n -     0 cleanup
            qmgr      unix  n - n 300   1 qmgr
            rewrite   unix  - - n -     - trivial-rewrite
            bounce    unix  - - n -     0 bounce
            defer     unix  - - n -     0 bounce
            trace     unix  - - n -     0 bounce
            verify    unix  - - n -     1 verify
            proxymap  unix  - - n -     - proxymap
            smtp      unix  - - n -     - smtp
            relay     unix  - - n -     - smtp
            error     unix  - - n -     - error
            retry     unix  - - n -     - error
            discard   unix  - - n -     - discard
            anvil     unix  - - n -     1 anvil
            scache    unix  - - n -     1 scache
            postlog   unix-dgram n - n - 1 postlogd
            pickup    unix  n - n 60    1 pickup

            """
        try Data(main.utf8).write(to: URL(fileURLWithPath: "\(config)/main.cf"))
        try Data(master.utf8).write(to: URL(fileURLWithPath: "\(config)/master.cf"))
        // Postfix waits ~2 s on a main.cf younger than a second: date the files back (lab/lib/mta.sh does the same).
        let old = [FileAttributeKey.modificationDate: Date(timeIntervalSinceNow: -60)]
        try FileManager.default.setAttributes(old, ofItemAtPath: "\(config)/main.cf")
        try FileManager.default.setAttributes(old, ofItemAtPath: "\(config)/master.cf")
    }

    /// An instance (started) that delivers mail for `domain` to an LMTP server on 127.0.0.1:`lmtpPort` (`transport_maps`
    /// → Postfix's own `lmtp` service, added to master.cf(5)) and relays the rest to the lab's sink; no milter.
    package static func deliveringOverLMTP(address: String, domain: String, lmtpPort: Int) throws -> PostfixMilterHost {
        let postfix = try PostfixMilterHost(address: address, port: freeLoopbackPort(), milter: "", relay: try labSMTPSink(), settings: [
            "transport_maps = inline:{ \(domain)=lmtp:inet:127.0.0.1:\(lmtpPort) }",
        ])
        let master = URL(fileURLWithPath: "\(postfix.config)/master.cf")
        try Data((try String(contentsOf: master, encoding: .utf8) + "lmtp      unix  - - n -     - lmtp\n").utf8).write(to: master)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: master.path)
        try postfix.start()
        return postfix
    }

    package func start() throws {
        try runTool("postfix", ["-c", config, "start"])
        running = true
    }

    /// Stops the instance (`postfix stop` signals the master by its own pid file) and removes the directory.
    package func stop() {
        if running { _ = try? runTool("postfix", ["-c", config, "stop"]) }
        running = false
        try? FileManager.default.removeItem(at: directory)
    }

    /// Submits `message` locally through Postfix's `sendmail` (then `postdrop` and `pickup`: the path
    /// `non_smtpd_milters` sees), envelope sender `from`, recipients from the message's To.
    package func sendmail(_ message: Data, from: String) throws {
        try runTool("sendmail", ["-C", config, "-f", from, "-t", "-i"], input: message)
    }

    /// The instance's log, for failure messages.
    package func log() -> String { (try? String(contentsOfFile: maillog, encoding: .utf8)) ?? "" }
}

/// The lab's SMTP sink, `host:port`.
package func labSMTPSink() throws -> String {
    "\(try labVariable("STOCKADE_LAB_SMTP_HOST")):\(try labVariable("STOCKADE_LAB_SMTP_PORT"))"
}

/// Runs swaks to completion; returns its exit status and transcript (stdout and stderr).
package func swaks(_ arguments: [String]) throws -> (status: Int32, transcript: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try locateTool("swaks"))
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
