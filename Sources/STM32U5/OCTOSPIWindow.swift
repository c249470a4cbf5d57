import CortexM

/// An OCTOSPI memory window (0x9000_0000 for OCTOSPI1, 0x7000_0000 for OCTOSPI2,
/// 256 MiB each). Reads become flash read transactions built from CCR/TCR/IR/ABR, of the
/// access width (or 32-byte line fills when DCACHE1 is on); writes use WCCR/WTCR/WIR/WABR.
/// Outside memory-mapped mode (or with the OCTOSPI off) an access is an AHB bus error.
public final class OCTOSPIWindow: Peripheral {
    public let name: String
    public let base: UInt32
    public static let size: UInt32 = 0x1000_0000
    let octospi: OCTOSPI
    let dcache: DCACHE?

    init(octospi: OCTOSPI, base: UInt32, dcache: DCACHE?) {
        self.octospi = octospi
        self.base = base
        self.dcache = dcache
        self.name = "\(octospi.name) window"
    }

    /// `count` bytes from window offset `offset`, through DCACHE1 when it is on.
    func readBytes(offset: UInt32, count: Int) -> [UInt8]? {
        if let dcache, dcache.isActive {
            return dcache.read(address: base &+ offset, count: count) { lineBase in
                octospi.windowRead(offset: lineBase &- base, count: DCACHE.lineBytes)
            }
        }
        return octospi.windowRead(offset: offset, count: count)
    }

    public func read(offset: UInt32, width: AccessWidth, error: inout BusErrorKind?) -> UInt32 {
        guard let bytes = readBytes(offset: offset, count: width.rawValue) else {
            error = .rejected("\(octospi.name) memory window read at 0x\(hex(base &+ offset)) outside memory-mapped mode")
            return 0
        }
        var v: UInt32 = 0
        for (i, b) in bytes.enumerated() { v |= UInt32(b) << UInt32(8 * i) }
        return v
    }

    public func write(offset: UInt32, width: AccessWidth, value: UInt32, error: inout BusErrorKind?) {
        var bytes: [UInt8] = []
        for i in 0..<width.rawValue { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(8 * i))) }
        if !octospi.windowWrite(offset: offset, bytes: bytes) {
            error = .rejected("\(octospi.name) memory window write at 0x\(hex(base &+ offset)) refused")
        }
    }
}
