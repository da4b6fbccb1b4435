import ArgumentParser
import Foundation
import KetaCareDomain
import KetaCareStore
import Logging

/// `ketacare user …`: staff accounts from the command line.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage staff accounts.", subcommands: [Create.self, List.self, Disable.self, Enable.self, ResetPassword.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account; the password is read from standard input.")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "Login name: 3-40 of a-z 0-9 . _ -") var username: String
        @Option(help: "admin, prescriber, nurse, frontdesk or compliance") var role: String
        @Option(help: "Name shown in the app (defaults to the username)") var displayName: String?
        @Flag(help: "Read the password from standard input (required: passwords never go on the command line).") var passwordStdin = false

        func validate() throws {
            guard passwordStdin else { throw ValidationError("--password-stdin is required") }
            do { _ = try Role.parse(role) } catch { throw ValidationError(error.message) }
        }

        func run() async throws {
            KetaCareCommand.bootstrapLogging()
            try await runReportingFailures {
                let password = (readLine(strippingNewline: true) ?? "")
                try await db.withStore(logger: Logger(label: "ketacare")) { store in
                    let parsedRole = try Role.parse(role)
                    do {
                        let name = try UserRepository.validatedUsername(username)
                        let hash = try await Passwords.hash(password)
                        let clinicID = store.clinicID
                        let display = displayName ?? name
                        let user = try await store.audited(.commandLine("user"), at: Date(), action: "user.create", resourceType: "user") { sql in
                            let user = try await UserRepository.create(
                                username: name, displayName: display, role: parsedRole, passwordHash: hash, now: Date(), clinicID: clinicID, on: sql
                            )
                            return Audited(user, resourceID: user.id, detail: "role=\(parsedRole.rawValue)")
                        }
                        print("created \(user.username) (\(user.role.label))")
                    } catch let error as KetaCareDomain.ValidationError {
                        throw Fatal(error.message)
                    } catch StoreError.duplicate(_, let message) {
                        throw Fatal(message)
                    }
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            KetaCareCommand.bootstrapLogging()
            try await runReportingFailures {
                try await db.withStore(logger: Logger(label: "ketacare")) { store in
                    let clinicID = store.clinicID
                    let users = try await store.database.read { sql in try await UserRepository.list(clinicID: clinicID, on: sql) }
                    for user in users {
                        let state = user.isDisabled ? "disabled" : ((user.lockedUntil ?? .distantPast) > Date() ? "locked" : "active")
                        print(
                            "\(user.username.padding(toLength: 20, withPad: " ", startingAt: 0)) \(user.role.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)) \(state)  \(user.displayName)"
                        )
                    }
                }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account and end its sessions.")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: "Username") var username: String

        func run() async throws { try await UserCommand.setDisabled(true, username: username, db: db) }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Re-enable an account.")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: "Username") var username: String

        func run() async throws { try await UserCommand.setDisabled(false, username: username, db: db) }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password",
            abstract: "Set a temporary password (read from standard input), end every session and token of the account, and make it "
                + "choose a new password at its next sign-in.")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: "Username") var username: String
        @Flag(help: "Read the temporary password from standard input (required: passwords never go on the command line).") var passwordStdin = false

        func validate() throws {
            guard passwordStdin else { throw ValidationError("--password-stdin is required") }
        }

        func run() async throws {
            KetaCareCommand.bootstrapLogging()
            try await runReportingFailures {
                let password = (readLine(strippingNewline: true) ?? "")
                try await db.withStore(logger: Logger(label: "ketacare")) { store in
                    let clinicID = store.clinicID
                    let now = Date()
                    do {
                        let hash = try await Passwords.hash(password)
                        let user = try await store.audited(
                            .commandLine("user"), at: now, action: "user.password_reset", resourceType: "user", resourceID: username
                        ) { sql in
                            let user = try await UserRepository.resetPassword(
                                username: username, passwordHash: hash, now: now, clinicID: clinicID, on: sql)
                            return Audited(user, resourceID: user.id, detail: "sessions ended; must change password")
                        }
                        print("\(user.username): temporary password set; every session ended; a new password is required at the next sign-in")
                    } catch let error as KetaCareDomain.ValidationError {
                        throw Fatal(error.message)
                    } catch StoreError.notFound {
                        throw Fatal("no account named \(username)")
                    }
                }
            }
        }
    }

    static func setDisabled(_ disabled: Bool, username: String, db: DatabaseOptions) async throws {
        KetaCareCommand.bootstrapLogging()
        do {
            try await db.withStore(logger: Logger(label: "ketacare")) { store in
                let clinicID = store.clinicID
                let now = Date()
                do {
                    let user = try await store.audited(
                        .commandLine("user"), at: now, action: disabled ? "user.disable" : "user.enable", resourceType: "user", resourceID: username
                    ) { sql in
                        let user = try await UserRepository.setDisabled(disabled, username: username, now: now, clinicID: clinicID, on: sql)
                        return Audited(user, resourceID: user.id)
                    }
                    print("\(user.username) is now \(user.isDisabled ? "disabled" : "enabled")")
                } catch StoreError.notFound {
                    throw Fatal("no account named \(username)")
                }
            }
        } catch let fatal as Fatal {
            FileHandle.standardError.write(Data("ketacare: \(fatal.description)\n".utf8))
            throw ExitCode(1)
        }
    }
}
