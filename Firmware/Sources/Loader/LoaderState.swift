import LoaderSupport

/// What survives between the calls of one programmer operation (Init, then Write...).
///
/// CubeProgrammer downloads only the file bytes of the loader segment and never runs a
/// C runtime startup, so these live in `.bss`, which loader.ld places *inside* the file
/// bytes (downloaded as zeros), and `Init` zeroes it again first thing (§1.4 of
/// cubeprogrammer-loader.md: RAM beyond the image holds garbage; statics survive between
/// calls of one operation).
/// `nonisolated(unsafe)`: the loader runs one thread with interrupts masked; nothing else
/// ever touches these.
enum LoaderState {
    /// `readyMagic` once Init has succeeded; any other value means "not initialised".
    nonisolated(unsafe) static var ready: UInt32 = 0
    /// 1 while the OCTOSPI is in memory-mapped mode (CR.FMODE = 11).
    nonisolated(unsafe) static var memoryMapped: UInt32 = 0
    /// The SYSCLK (= core clock, AHB prescaler 1) the deadlines are computed from. Zero in
    /// .bss; `Deadline` treats it as the 4 MHz reset clock until Init sets it.
    nonisolated(unsafe) static var sysclkHz: UInt32 = 0
    /// OCTOSPI register block and memory-mapped window of the instance in use.
    nonisolated(unsafe) static var octospiBase: UInt32 = 0
    nonisolated(unsafe) static var windowBase: UInt32 = 0

    static let readyMagic: UInt32 = 0x4C4F_4144  // "LOAD"

    static var isReady: Bool { ready == readyMagic }

    static var coreClockHz: UInt32 { sysclkHz == 0 ? 4_000_000 : sysclkHz }

    /// Zeroes [__loader_bss_start, __loader_bss_end) with volatile word stores (the linker
    /// script aligns both to 4), which the optimizer cannot turn into a memset call.
    static func zeroBSS() {
        var address = loader_bss_start()
        let end = loader_bss_end()
        while address < end {
            Register(address).value = 0
            address &+= 4
        }
    }
}
