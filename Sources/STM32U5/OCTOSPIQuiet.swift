import CortexM
import VirtualTime

extension OCTOSPI {
    /// The controller itself changes nothing on its own between accesses in indirect mode
    /// (a transfer completes within the access that starts it): its answers change when the
    /// flash's do, at the end of a program or erase. Memory-mapped mode with TCEN (nCS
    /// released after LPTR clocks) and auto-polling a part that never answers (each SR read
    /// lets time pass, `waitOnStuckDevice`) depend on the instant of the read: not quiet.
    public var quietUntil: DeviceTime? {
        switch activity {
        case .memoryMapped: return nil
        case .polling(matched: false) where signalPath?.device.isFrozen == true: return nil
        default: break
        }
        guard let device = signalPath?.device else { return .never }
        return device.nextSelfTimedChange ?? .never
    }
}
