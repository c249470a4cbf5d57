/// The core registers when a call stopped.
public struct RegisterSnapshot: Sendable, Equatable, CustomStringConvertible {
    /// R0 through R12.
    public var r: [UInt32]
    public var sp: UInt32
    public var lr: UInt32
    public var pc: UInt32
    public var xpsr: UInt32
    public var primask: UInt32

    public init(r: [UInt32], sp: UInt32, lr: UInt32, pc: UInt32, xpsr: UInt32, primask: UInt32) {
        self.r = r
        self.sp = sp
        self.lr = lr
        self.pc = pc
        self.xpsr = xpsr
        self.primask = primask
    }

    public var description: String {
        func hex(_ v: UInt32) -> String {
            let s = String(v, radix: 16)
            return "0x" + String(repeating: "0", count: max(0, 8 - s.count)) + s
        }
        var lines: [String] = []
        for (index, value) in r.enumerated() { lines.append("r\(index)=\(hex(value))") }
        lines += ["sp=\(hex(sp))", "lr=\(hex(lr))", "pc=\(hex(pc))", "xpsr=\(hex(xpsr))", "primask=\(primask)"]
        return lines.joined(separator: " ")
    }
}
