/** Word lists for believable demo data: an MSP's customers, their sites, machines and checks. */

export const COMPANY_FIRST = [
  'Acme', 'Bluebird', 'Cedar', 'Dunmore', 'Elmwood', 'Fairview', 'Granite', 'Harbour', 'Ironbridge', 'Juniper',
  'Kingsley', 'Lakeside', 'Meridian', 'Northgate', 'Oakridge', 'Pinecrest', 'Queensway', 'Riverside', 'Summit',
  'Thornbury', 'Upland', 'Valley', 'Westfield', 'Yorkshire', 'Zenith', 'Ashford', 'Beacon', 'Castle', 'Dovetail',
  'Evergreen', 'Foxglove', 'Greenway', 'Highland', 'Kestrel', 'Lighthouse', 'Millbrook', 'Newhaven', 'Orchard',
  'Parkside', 'Redwood', 'Silverline', 'Trinity', 'Victoria', 'Willow', 'Albion', 'Brightwater', 'Clearview',
] as const;

export const COMPANY_KIND = [
  'Dental', 'Legal', 'Accountants', 'Logistics', 'Engineering', 'Veterinary', 'Architects', 'Medical Centre',
  'Estate Agents', 'Manufacturing', 'Insurance', 'Primary School', 'Hotel', 'Garden Centre', 'Pharmacy',
  'Construction', 'Consulting', 'Printing', 'Motors', 'Foods', 'Financial Planning', 'Recruitment', 'Opticians',
] as const;

export const COMPANY_SUFFIX = ['Ltd', 'LLP', 'Group', 'Partners', 'Inc', 'Associates', '& Co', 'Services'] as const;

export const SITE_NAMES = [
  'Head Office', 'Main Site', 'Warehouse', 'North Branch', 'South Branch', 'City Centre', 'Data Centre',
  'Retail Unit', 'Factory', 'Depot', 'Clinic', 'Annex', 'Remote Workers', 'Satellite Office', 'Training Centre',
] as const;

export const TIMEZONES = ['Europe/London', 'Europe/Dublin', 'America/New_York', 'America/Chicago', 'Europe/Berlin', 'Australia/Sydney'] as const;

export const SERVER_OS = [
  ['Microsoft Windows Server 2022 Standard', '10.0.20348', 'Service Pack 0'],
  ['Microsoft Windows Server 2019 Standard', '10.0.17763', 'Service Pack 0'],
  ['Microsoft Windows Server 2016 Standard', '10.0.14393', 'Service Pack 0'],
  ['Microsoft Windows Server 2012 R2 Standard', '6.3.9600', 'Service Pack 0'],
  ['Ubuntu 22.04.4 LTS', '5.15.0-105-generic', ''],
] as const;

export const WORKSTATION_OS = [
  ['Microsoft Windows 11 Pro', '10.0.22631', 'Service Pack 0'],
  ['Microsoft Windows 11 Enterprise', '10.0.22631', 'Service Pack 0'],
  ['Microsoft Windows 10 Pro', '10.0.19045', 'Service Pack 0'],
  ['Microsoft Windows 10 Enterprise', '10.0.19045', 'Service Pack 0'],
  ['macOS Sonoma 14.5', '23F79', ''],
] as const;

export const SERVER_HARDWARE = [
  ['Dell Inc.', 'PowerEdge R740'], ['Dell Inc.', 'PowerEdge T440'], ['HPE', 'ProLiant DL380 Gen10'],
  ['HPE', 'ProLiant ML350 Gen10'], ['Lenovo', 'ThinkSystem SR650'], ['VMware, Inc.', 'VMware Virtual Platform'],
  ['Microsoft Corporation', 'Virtual Machine'],
] as const;

export const WORKSTATION_HARDWARE = [
  ['Dell Inc.', 'OptiPlex 7090', 3], ['Dell Inc.', 'Latitude 5420', 10], ['HP', 'EliteBook 840 G8', 10],
  ['HP', 'ProDesk 400 G7', 3], ['Lenovo', 'ThinkPad T14 Gen 2', 10], ['Lenovo', 'ThinkCentre M720q', 3],
  ['Apple Inc.', 'MacBook Pro', 3], ['Microsoft Corporation', 'Surface Laptop 4', 10],
] as const;

export const SERVER_ROLES = ['DC', 'FS', 'SQL', 'EXCH', 'APP', 'RDS', 'BKP', 'PRINT', 'WEB', 'HV'] as const;

export const FIRST_NAMES = [
  'james', 'mary', 'robert', 'patricia', 'john', 'jennifer', 'michael', 'linda', 'david', 'elizabeth', 'william',
  'barbara', 'richard', 'susan', 'joseph', 'jessica', 'thomas', 'sarah', 'chris', 'karen', 'daniel', 'lisa',
  'matthew', 'nancy', 'anthony', 'sandra', 'mark', 'emma', 'paul', 'olivia', 'steven', 'amelia', 'andrew', 'sophie',
] as const;

export const AGENT_VERSIONS = ['10_13_8', '10_13_7', '10_12_4', '10_11_2', '10_10_6'] as const;

/** check_type, description template, frequency (1 DSC / 2 24x7), failure outputs, is it a task. */
export type CheckTemplate = {
  type: number;
  description: string;
  dsc247: number;
  ok: string;
  fail: readonly string[];
  task?: boolean;
  servers?: boolean;
  workstations?: boolean;
};

export const CHECK_TEMPLATES: readonly CheckTemplate[] = [
  { type: 1003, description: 'Disk Space Check - Drive C:', dsc247: 2, ok: '38.2GB free (31%)', fail: ['2.1GB free (1.7%), threshold 10%', '512MB free (0.4%), threshold 10%'] },
  { type: 1003, description: 'Disk Space Check - Drive D:', dsc247: 2, ok: '412.7GB free (40%)', fail: ['9.8GB free (0.9%), threshold 5%'], workstations: false },
  { type: 1013, description: 'Windows Service Check - Print Spooler', dsc247: 2, ok: 'Service running', fail: ['Service stopped', 'Service stopped, restart attempted and failed'] },
  { type: 1013, description: 'Windows Service Check - DNS Server', dsc247: 2, ok: 'Service running', fail: ['Service stopped'], workstations: false },
  { type: 1013, description: 'Windows Service Check - Windows Update', dsc247: 2, ok: 'Service running', fail: ['Service disabled'] },
  { type: 1002, description: 'Backup Check - Backup & Recovery', dsc247: 1, ok: 'Backup completed successfully', fail: ['Backup status cannot be determined', 'Backup failed: 3 files could not be read', 'No backup in the last 48 hours'] },
  { type: 1005, description: 'Antivirus Update Check - Managed Antivirus', dsc247: 1, ok: 'Definitions up to date', fail: ['Definitions are 5 days old', 'Antivirus product not running'] },
  { type: 1006, description: 'Event Log Check - System: disk errors', dsc247: 1, ok: 'No matching events', fail: ['3 matching events: The device \\Device\\Harddisk0\\DR0 has a bad block'] },
  { type: 1006, description: 'Event Log Check - Application: <Error> events', dsc247: 1, ok: 'No matching events', fail: ['12 matching events: Application Error, faulting module ntdll.dll'] },
  { type: 1009, description: 'Performance Monitoring Check - Processor Queue Length', dsc247: 2, ok: 'Queue length 0.4', fail: ['Queue length 14.2 > 10 for 15 minutes'] },
  { type: 1010, description: 'Performance Monitoring Check - Memory Usage', dsc247: 2, ok: 'Memory usage 61%', fail: ['Memory usage 97% > 90%'] },
  { type: 1011, description: 'Physical Memory Check', dsc247: 1, ok: 'No memory errors', fail: ['Correctable ECC errors detected'], workstations: false },
  { type: 1012, description: 'Web Page Check - https://intranet.local/', dsc247: 2, ok: 'HTTP 200 in 212ms', fail: ['HTTP 503 Service Unavailable', 'Connection timed out'], workstations: false },
  { type: 1017, description: 'Script Check - Windows Updates pending <reboot>', dsc247: 1, ok: 'No reboot pending', fail: ['Reboot pending for 9 days'], task: true },
  { type: 1018, description: 'Automated Task - Clear temp files & logs', dsc247: 1, ok: 'Task completed', fail: ['Task exited with code 1'], task: true },
];
