import Foundation

/// What the emulator needs from the host before it starts. Unicorn 2.0.1 reserves 1 GiB of
/// address space for its translated-code buffer in every instance and calls `exit(1)` when
/// it cannot (unicorn-engine/unicorn#1898, #1921; a size control came only in 2.1): under a
/// `ulimit -v` that leaves less, the lab says so instead of vanishing with status 1.
enum HostResources {
    static let emulatorReservation = 1 << 30

    /// nil when the reservation fits (or no limit is set); else why not.
    static func emulatorAddressSpaceProblem() -> String? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        // A failed session holds up to three instances (the session, its zeroed-RAM rerun, a
        // flash-part probe), plus what Unicorn maps beside them (guest RAM, TLBs): measured, a
        // failing 4 KiB session exits under a 3 GiB cap and reports under 4 GiB.
        let probe = 3 * emulatorReservation + (512 << 20)
        let p = mmap(nil, probe, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        if p != MAP_FAILED, let p {
            munmap(p, probe)
            return nil
        }
        return "the address-space limit (ulimit -v \(limit.rlim_cur / 1024) KiB) leaves less than the 3.5 GiB of address space a session may need: Unicorn 2.0.1 reserves 1 GiB for translated code in every instance, and a failed session runs up to three"
    }
}
