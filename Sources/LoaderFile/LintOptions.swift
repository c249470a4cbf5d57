/// What the loader is checked against: the target's RAM and the stack the host gives it.
public struct LintOptions: Equatable, Sendable {
    /// Where the host's RAM starts; the image must start 4 bytes above it, after the BKPT the
    /// host writes at the base (cubeprogrammer-loader.md §1.4).
    public var ramBase: UInt32
    /// Bytes of contiguous RAM from `ramBase`.
    public var ramSize: UInt32
    /// Stack the host leaves above the image: MSP = image end + 0x3FC (§1.4).
    public var stackReserve: UInt32

    public init(ramBase: UInt32 = 0x2000_0000, ramSize: UInt32 = 0x2F_0000, stackReserve: UInt32 = 0x400) {
        self.ramBase = ramBase
        self.ramSize = ramSize
        self.stackReserve = stackReserve
    }

    /// STM32U5G7: SRAM1, 2, 3, 5 and 6 are contiguous from 0x2000_0000 to 0x202E_FFFF
    /// (stm32u5.md, `stm32u5g7xx.h` SRAMx_BASE_NS/SRAMx_SIZE).
    public static let stm32u5g7 = LintOptions()
}
