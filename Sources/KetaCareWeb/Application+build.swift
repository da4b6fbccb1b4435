public import Foundation
import HTTPTypes
public import Hummingbird
import KetaCareDomain
public import KetaCareStore
public import Logging
import Metrics
import Prometheus

/// Process-wide metrics: swift-metrics can be bootstrapped once per process, so every application shares this registry.
enum Telemetry {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}

/// The router with every route and middleware, plus the list of routes (for the role-matrix and OpenAPI tests).
public func buildRouter(
    store: Store,
    configuration: WebConfiguration,
    signInPolicy: SignInPolicy = SignInPolicy(),
    now: @escaping @Sendable () -> Date = { Date() }
) async throws -> (router: Router<AppRequestContext>, routes: [RouteSpec]) {
    let matrix = AccessMatrix.standard
    let clinicName = try await store.clinicName() ?? "KetaCare clinic"
    let pages = try await Pages.load(
        directory: configuration.templatesDirectory, clinicName: clinicName, timeZone: configuration.timeZone, matrix: matrix)
    let dependencies = AppDependencies(
        store: store, authenticator: Authenticator(store: store, policy: signInPolicy), configuration: configuration, pages: pages, matrix: matrix,
        now: now
    )
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: ErrorAndHeadersMiddleware(dependencies: dependencies))
    router.add(middleware: SessionMiddleware(dependencies: dependencies))
    let routes = RouteRegistrar(router: router, dependencies: dependencies)
    SystemController(dependencies: dependencies, registry: Telemetry.registry).register(routes)
    AuthController(dependencies: dependencies).register(routes)
    AccountController(dependencies: dependencies).register(routes)
    PatientController(dependencies: dependencies).register(routes)
    AuditController(dependencies: dependencies).register(routes)
    UserController(dependencies: dependencies).register(routes)
    PolicyController(dependencies: dependencies).register(routes)
    CareController(dependencies: dependencies).register(routes)
    PlanController(dependencies: dependencies).register(routes)
    LedgerController(dependencies: dependencies).register(routes)
    let catalog = InstrumentCatalog(bundled: try SharedInstruments.library ?? InstrumentLibrary.bundled(), store: store)
    let assessments = AssessmentController(dependencies: dependencies, catalog: catalog)
    assessments.register(routes)
    IntakeController(dependencies: dependencies, assessments: assessments).register(routes)
    OutcomesController(dependencies: dependencies, catalog: catalog).register(routes)
    SessionController(dependencies: dependencies).register(routes)
    CheckInController(dependencies: dependencies).register(routes)
    return (router, routes.specs)
}

/// The KetaCare web application over an open store. Run it with `runService()` (graceful shutdown on SIGTERM/SIGINT).
public func buildApplication(
    store: Store,
    configuration: WebConfiguration,
    logger: Logger,
    now: @escaping @Sendable () -> Date = { Date() },
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    let (router, _) = try await buildRouter(store: store, configuration: configuration, now: now)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "KetaCare"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
    let environment = ProcessInfo.processInfo.environment
    if environment["KETACARE_OUTBOX"] != "off" {
        // Bounded before converting: a typo such as 1e30 in the environment must not trap at start-up.
        let seconds = min(max(Double(environment["KETACARE_OUTBOX_INTERVAL_SECONDS"] ?? "").flatMap { $0.isFinite ? $0 : nil } ?? 30, 0.1), 3600)
        app.addServices(
            MessageDelivery(
                store: store, sender: MessageDelivery.sender(environment: environment, logger: logger), interval: .milliseconds(Int(seconds * 1000)),
                logger: logger, now: now))
    }
    // DOMAIN.md §6.5: unacknowledged critical alerts escalate after the policy's time; checked every 15 seconds.
    app.addServices(AlertEscalationService(store: store, interval: .seconds(15), logger: logger, now: now))
    return app
}
