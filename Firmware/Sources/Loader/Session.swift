/// The state every entry point after Init works from, and the address arithmetic they share.
struct Session {
    let spi: OCTOSPI
    let flash: QuadFlash
    let windowBase: UInt32

    /// The session Init left, or nil when Init has not succeeded in this download.
    static var current: Session? {
        guard LoaderState.isReady else { return nil }
        let spi = OCTOSPI(base: LoaderState.octospiBase)
        return Session(spi: spi, flash: QuadFlash(spi: spi), windowBase: LoaderState.windowBase)
    }

    /// The flash offset of the absolute range [address, address + size), or nil when any
    /// byte of it lies outside the device window (no arithmetic overflow on bad input).
    func offset(of address: UInt32, size: UInt32) -> UInt32? {
        guard address >= windowBase else { return nil }
        let offset = address - windowBase
        guard offset < Profile.size, size <= Profile.size - offset else { return nil }
        return offset
    }

    // MARK: Memory-mapped mode

    func enterMemoryMapped() -> Bool {
        if LoaderState.memoryMapped == 1 && spi.functionalMode == .memoryMapped { return true }
        guard spi.enterMemoryMapped(Profile.readCommand()) else { return false }
        LoaderState.memoryMapped = 1
        return true
    }

    func leaveMemoryMapped() -> Bool {
        LoaderState.memoryMapped = 0
        return spi.leaveMemoryMapped()
    }

    /// Runs `body` in indirect mode and always comes back to memory-mapped mode, also when
    /// `body` fails, so the programmer can read the flash back over SWD afterwards.
    func indirect(_ body: () -> Bool) -> Bool {
        let ok = leaveMemoryMapped() && body()
        let mapped = enterMemoryMapped()
        return ok && mapped
    }
}
