/// How much a single `Machine.call` may run before it is stopped.
///
/// Defaults: one billion instructions (about 20 s of host time at Unicorn's ~50 M
/// instructions/s here; a loader's `Write` of a 512 KiB chunk is a few million), no limit in
/// device time, and a 120 s host wall-clock guard so that nothing ever hangs the lab.
public struct CallBudget: Sendable, Equatable {
    public var maxInstructions: UInt64
    /// Stop when the virtual clock passes `start + deviceTimeLimit`: the per-call timeout in
    /// modeled device time that CubeProgrammer applies (values undocumented by ST).
    public var deviceTimeLimit: DeviceTime?
    /// Host wall-clock guard, passed to `uc_emu_start` as its timeout.
    public var hostTimeLimitSeconds: Double

    public init(maxInstructions: UInt64 = 1_000_000_000, deviceTimeLimit: DeviceTime? = nil, hostTimeLimitSeconds: Double = 120) {
        self.maxInstructions = maxInstructions
        self.deviceTimeLimit = deviceTimeLimit
        self.hostTimeLimitSeconds = hostTimeLimitSeconds
    }
}

import VirtualTime
