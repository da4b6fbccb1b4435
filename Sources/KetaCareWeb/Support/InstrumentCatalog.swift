import KetaCareDomain
import KetaCareStore
import Synchronization

/// The clinic's instrument library: the bundled instruments with any licensed wording the clinic uploaded.
///
/// Cached per process and re-read when the upload count changes, so every instance sees an upload at its next request.
final class InstrumentCatalog: Sendable {
    private let bundled: InstrumentLibrary
    private let store: Store
    private let cache = Mutex<(generation: Int, library: InstrumentLibrary)?>(nil)

    init(bundled: InstrumentLibrary, store: Store) {
        self.bundled = bundled
        self.store = store
    }

    /// The current library (one small query when nothing changed).
    func library() async throws -> InstrumentLibrary {
        let clinicID = store.clinicID
        let bundled = bundled
        let generation = try await store.database.read { db in try await LicensedTextRepository.generation(clinicID: clinicID, on: db) }
        if generation == 0 { return bundled }
        if let cached = cache.withLock({ $0 }), cached.generation == generation { return cached.library }
        let library = try await store.database.read { db in try await LicensedTextRepository.library(bundled: bundled, clinicID: clinicID, on: db) }
        cache.withLock { $0 = (generation, library) }
        return library
    }

    /// The bundled library (structure and public-domain wording), for places that only need scoring rules.
    var structure: InstrumentLibrary { bundled }
}
