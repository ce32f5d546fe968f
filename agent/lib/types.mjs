// @ts-check
// The shapes of the agent protocol v1, as JSDoc types. The authority is the server's zod schemas
// (src/agent-protocol/protocol.schema.ts); this agent has no dependencies, so it cannot import them, and its
// tests run everything it sends through those schemas instead.

/**
 * @typedef {'linux' | 'mac' | 'windows'} OsFamily
 * @typedef {'server' | 'workstation'} DeviceType
 *
 * @typedef {object} DeviceFacts
 * @property {string} hostname
 * @property {DeviceType} deviceType
 * @property {{ name: string, version: string, family: OsFamily }} os
 * @property {string} manufacturer
 * @property {string} model
 * @property {string} serialNumber
 * @property {{ model: string, count: number }} cpu
 * @property {number} memoryMb
 * @property {number | null} bootedAt
 * @property {string[]} ipAddresses
 * @property {string[]} macAddresses
 * @property {string} username
 * @property {string} domain
 * @property {string} agentVersion
 *
 * @typedef {'disk_space' | 'process' | 'http' | 'tcp_port' | 'script' | 'performance' | 'other'} CheckKind
 *
 * @typedef {object} CheckConfig
 * @property {number} checkId
 * @property {number} checkType
 * @property {CheckKind} kind
 * @property {string} description
 * @property {1 | 2} dsc247 1 = Daily Safety Check (once a day at dscHour), 2 = 24x7 (every intervalSeconds)
 * @property {number} intervalSeconds
 * @property {Record<string, string | number | boolean>} settings
 *
 * @typedef {object} AgentConfig GET /agent/v1/config
 * @property {number} deviceId
 * @property {number} reportIntervalSeconds
 * @property {number} sampleIntervalSeconds
 * @property {number} dscHour
 * @property {CheckConfig[]} checks
 *
 * @typedef {object} CheckResult
 * @property {number} checkId
 * @property {number} at
 * @property {'pass' | 'fail'} status
 * @property {string} output
 * @property {number} [value]
 *
 * @typedef {'cpu_load' | 'cpu_queue' | 'memory_usage'} PerformanceKind the kinds this agent measures
 *
 * @typedef {object} PerformanceSample
 * @property {PerformanceKind} kind
 * @property {string} target
 * @property {number} at
 * @property {Record<string, number>} values
 *
 * @typedef {object} DriveSpace
 * @property {string} drive
 * @property {number} at
 * @property {number} totalMb
 * @property {number} usedMb
 *
 * @typedef {{ hardwareType: number, name: string, manufacturer: string, details: string, status: string }} HardwareItem
 * @typedef {{ name: string, publisher: string, version: string, installedAt: number | null }} SoftwareItem
 *
 * @typedef {object} Report POST /agent/v1/reports
 * @property {string} batchId
 * @property {number} sentAt
 * @property {DeviceFacts} [facts]
 * @property {CheckResult[]} checkResults
 * @property {PerformanceSample[]} performance
 * @property {DriveSpace[]} driveSpace
 * @property {HardwareItem[]} [hardware]
 * @property {SoftwareItem[]} [software]
 *
 * @typedef {object} Command
 * @property {number} id
 * @property {string} kind
 * @property {Record<string, string | number | boolean>} params
 * @property {number} createdAt
 * @property {number} expiresAt
 *
 * @typedef {{ outcome: 'succeeded' | 'failed' | 'unsupported', message: string, checkResult?: CheckResult }} CommandAck
 */

export {};
