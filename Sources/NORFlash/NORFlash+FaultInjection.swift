import VirtualTime

/// A failure of the chip itself, injected to see what a loader does when the flash, not the
/// loader, goes wrong (`loaderlab program --inject`). Each follows what the IS25LP512M
/// datasheet says the part shows the host:
/// - `programError` / `eraseError`: the operation fails inside the chip: the array keeps its
///   content, WEL clears, and the Extended Read Register (81h) reports P_ERR (bit 2) or E_ERR
///   (bit 3), as for a protected address (reference is25lp512m.md §A.4).
/// - `stuckBusy`: the first program or erase never completes: WIP stays 1.
/// - `powerLoss(afterOperations:)`: the flash loses power during program/erase number N+1
///   (counting from 0): an erase is cut half-way, and the chip answers nothing after it
///   (undriven lines read FFh, so WIP reads 1).
/// - `bitFlip(address:)`: the byte at this array offset comes out of every program with bit 0
///   inverted (a weak cell).
public enum FlashFault: Sendable, Equatable, CustomStringConvertible {
    case programError
    case eraseError
    case stuckBusy
    case powerLoss(afterOperations: Int)
    case bitFlip(address: UInt32)

    /// `program-error`, `erase-error`, `stuck-busy`, `power-loss@N`, `bit-flip@ADDR` (decimal or 0x hex).
    public init?(parsing text: String) {
        let parts = text.lowercased().split(separator: "@", maxSplits: 1).map(String.init)
        func number(_ s: String) -> UInt64? {
            let t = s.replacingOccurrences(of: "_", with: "")
            return t.hasPrefix("0x") ? UInt64(t.dropFirst(2), radix: 16) : UInt64(t)
        }
        switch (parts.first, parts.count) {
        case ("program-error", 1): self = .programError
        case ("erase-error", 1): self = .eraseError
        case ("stuck-busy", 1): self = .stuckBusy
        case ("power-loss", 2):
            guard let n = number(parts[1]), n <= UInt64(Int32.max) else { return nil }
            self = .powerLoss(afterOperations: Int(n))
        case ("bit-flip", 2):
            guard let a = number(parts[1]), a <= UInt64(UInt32.max) else { return nil }
            self = .bitFlip(address: UInt32(a))
        default: return nil
        }
    }

    public static let syntax = "program-error, erase-error, stuck-busy, power-loss@N or bit-flip@ADDR"

    public var description: String {
        switch self {
        case .programError: "program-error (every page program fails with P_ERR)"
        case .eraseError: "erase-error (every erase fails with E_ERR)"
        case .stuckBusy: "stuck-busy (the first program or erase never ends: WIP stays 1)"
        case .powerLoss(let n): "power-loss@\(n) (the flash loses power during program/erase operation \(n + 1))"
        case .bitFlip(let a): "bit-flip@0x\(String(a, radix: 16, uppercase: true)) (bit 0 of that byte comes out of every program inverted)"
        }
    }
}

/// What the injected fault did, for the session's finding.
public struct FlashFaultState: Sendable {
    /// Program and erase operations the array has started.
    public internal(set) var operations = 0
    /// The chip answers nothing (after a power loss).
    public internal(set) var poweredOff = false
    /// When the fault first acted, and on what.
    public internal(set) var triggered: (time: DeviceTime, operation: String)?
}

extension NORFlash {
    static let forever = DeviceTime(picoseconds: .max / 2)

    /// Called by a program or erase after WEL and protection checks pass, before the array
    /// changes. Returns true when the fault took the operation over (the caller returns);
    /// false to let it run as usual. `apply` performs the operation's array change.
    func injectFault(isErase: Bool, label: FlashOperationLabel, range: Range<UInt32>, duration: DeviceTime, now: DeviceTime,
                     apply: () -> Void) -> Bool {
        guard let fault else { return false }
        let index = faultState.operations
        faultState.operations += 1
        var name: String { label.description }
        func trigger() { if faultState.triggered == nil { faultState.triggered = (now, name) } }
        func setBusy(_ ends: DeviceTime) {
            registers.writeEnableLatch = false
            busy = BusyOperation(label: label, ends: ends, suspendable: false, isErase: isErase, isProgramOrErase: true)
        }
        switch fault {
        case .programError where !isErase, .eraseError where isErase:
            trigger()
            latchFailure(name, address: range.lowerBound, erase: isErase)
            setBusy(now + duration)
            return true
        case .stuckBusy where index == 0:
            trigger()
            apply()
            setBusy(Self.forever)
            return true
        case .powerLoss(let n) where index == n:
            trigger()
            // Half an erase reached the array before the supply went; a page program's few
            // bytes are taken to have landed.
            let half = range.lowerBound..<(range.lowerBound + UInt32(range.count / 2))
            if isErase {
                fill(half, operation: .erase(bytes: half.count), opcode: 0, now: now)
            } else {
                apply()
            }
            faultState.poweredOff = true
            busy = nil
            return true
        case .bitFlip(let address) where !isErase && range.contains(address):
            apply()
            trigger()
            if Int(address) < storage.count { storage[Int(address)] ^= 1 }
            setBusy(now + duration)
            return true
        default:
            return false
        }
    }
}
