/** Word lists for the asset, patch, antivirus and Active Directory demo data (see asset-generator.ts). */

/** [name, publisher, type, versions]; type is Hotfix | Update | All, as list_device_asset_details sends it. */
export const WINDOWS_SOFTWARE = [
  ['Microsoft Office Professional Plus 2021', 'Microsoft Corporation', 'All', ['16.0.14332.20624', '16.0.14332.20721']],
  ['Microsoft 365 Apps for business - en-us', 'Microsoft Corporation', 'All', ['16.0.17928.20156', '16.0.18025.20140']],
  ['Microsoft Edge', 'Microsoft Corporation', 'All', ['130.0.2849.80', '131.0.2903.51']],
  ['Google Chrome', 'Google LLC', 'All', ['130.0.6723.117', '131.0.6778.86']],
  ['Mozilla Firefox (x64 en-GB)', 'Mozilla', 'All', ['132.0.2', '133.0']],
  ['Adobe Acrobat Reader DC', 'Adobe Inc.', 'All', ['24.004.20220', '24.005.20307']],
  ['Adobe Acrobat Pro DC', 'Adobe Inc.', 'All', ['24.004.20220']],
  ['7-Zip 23.01 (x64)', 'Igor Pavlov', 'All', ['23.01']],
  ['Notepad++ (64-bit x64)', 'Notepad++ Team', 'All', ['8.6.9', '8.7.1']],
  ['Zoom Workplace (64-bit)', 'Zoom Video Communications, Inc.', 'All', ['6.2.7', '6.2.10']],
  ['Microsoft Teams', 'Microsoft Corporation', 'All', ['24295.605.3225.8804']],
  ['Sage 50 Accounts', 'Sage (UK) Ltd', 'All', ['30.1.133.0']],
  ['AutoCAD LT 2025', 'Autodesk, Inc.', 'All', ['25.0.58.0']],
  ['VLC media player', 'VideoLAN', 'All', ['3.0.21']],
  ['Microsoft Visual C++ 2015-2022 Redistributable (x64)', 'Microsoft Corporation', 'All', ['14.40.33810.0', '14.42.34433.0']],
  ['Take Control Agent', 'N-able', 'All', ['7.50.08']],
  ['Windows Agent', 'N-able', 'All', ['10.13.8.0']],
  ['Security Update for Windows (KB5044284)', 'Microsoft Corporation', 'Hotfix', ['']],
  ['Security Update for Windows (KB5043080)', 'Microsoft Corporation', 'Hotfix', ['']],
  ['Servicing Stack Update (KB5043937)', 'Microsoft Corporation', 'Hotfix', ['']],
  ['Update for Microsoft Defender Antivirus antimalware platform (KB4052623)', 'Microsoft Corporation', 'Update', ['4.18.24090.11']],
  ['Update for Windows Malicious Software Removal Tool (KB890830)', 'Microsoft Corporation', 'Update', ['5.129']],
] as const;

export const SERVER_SOFTWARE = [
  ['Microsoft SQL Server 2019 (64-bit)', 'Microsoft Corporation', 'All', ['15.0.4395.2']],
  ['Veeam Backup & Replication', 'Veeam Software Group GmbH', 'All', ['12.2.0.334']],
  ['Microsoft Exchange Server 2019 Cumulative Update 14', 'Microsoft Corporation', 'All', ['15.2.1544.4']],
] as const;

export const MAC_SOFTWARE = [
  ['Google Chrome', 'Google LLC', 'All', ['131.0.6778.86']],
  ['Microsoft Word', 'Microsoft Corporation', 'All', ['16.91']],
  ['Slack', 'Slack Technologies', 'All', ['4.41.97']],
  ['Zoom Workplace (64-bit)', 'Zoom Video Communications, Inc.', 'All', ['6.2.10']],
] as const;

export const LINUX_SOFTWARE = [
  ['openssh-server', 'Ubuntu', 'All', ['1:8.9p1-3ubuntu0.10']],
  ['nginx', 'Ubuntu', 'All', ['1.18.0-6ubuntu14.5']],
  ['postgresql-14', 'Ubuntu', 'All', ['14.13-0ubuntu0.22.04.1']],
] as const;

/** Software license groups every demo account has, with the titles each counts. */
export const LICENSE_GROUPS = [
  ['Microsoft Office', ['Microsoft Office Professional Plus 2021', 'Microsoft 365 Apps for business - en-us']],
  ['Adobe Acrobat Pro', ['Adobe Acrobat Pro DC']],
  ['Autodesk', ['AutoCAD LT 2025']],
  ['Sage Accounts', ['Sage 50 Accounts']],
] as const;

/** [title, product, severity (1 Critical … 4 Low), days before "now" it was released, uninstallable]. */
export const PATCHES = [
  ['2026-11 Cumulative Update for Windows 11 Version 23H2 for x64-based Systems (KB5046633)', 'Windows 11', 1, 16, 1],
  ['2026-10 Cumulative Update for Windows 11 Version 23H2 for x64-based Systems (KB5044285)', 'Windows 11', 1, 44, 1],
  ['2026-11 Cumulative Update for Windows 10 Version 22H2 for x64-based Systems (KB5046613)', 'Windows 10', 1, 16, 1],
  ['2026-11 Cumulative Update for Microsoft server operating system version 21H2 for x64-based Systems (KB5046616)', 'Windows Server 2022', 1, 16, 1],
  ['2026-11 Cumulative Update for Windows Server 2019 for x64-based Systems (KB5046615)', 'Windows Server 2019', 1, 16, 1],
  ['2026-11 Cumulative Update for .NET Framework 3.5, 4.8 and 4.8.1 (KB5045934)', '.NET Framework', 2, 16, 1],
  ['Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.421.1416.0)', 'Microsoft Defender Antivirus', 3, 1, 0],
  ['Windows Malicious Software Removal Tool x64 - v5.130 (KB890830)', 'Windows 10, version 1903 and later', 2, 16, 0],
  ['Microsoft Edge-Stable Channel Version 131 Update for x64 based Editions (Build 131.0.2903.51)', 'Microsoft Edge', 2, 12, 0],
  ['Security Update for Microsoft Office LTSC 2021 (KB5002629)', 'Office 2021', 2, 16, 1],
  ['Update for Microsoft Teams (KB5032722)', 'Microsoft Teams', 4, 30, 1],
  ['2026-11 Servicing Stack Update for Windows Server 2016 for x64-based Systems (KB5046746)', 'Windows Server 2016', 3, 16, 0],
] as const;

export const MAV_THREATS = [
  ['Trojan.GenericKD.71234561', 'Trojan'], ['Gen:Variant.Razy.915331', 'Trojan'], ['Adware.Agent.GenericS', 'Adware'],
  ['PUA.OpenCandy', 'Potentially Unwanted Application'], ['EICAR-Test-File (not a virus)', 'Virus'], ['Exploit.CVE-2017-11882.Gen', 'Exploit'],
  ['JS:Trojan.Cryxos.4572', 'Trojan'], ['Generic.Ransom.WannaCryptor.A', 'Ransomware'],
] as const;

export const MAV_TRACE_PATHS = [
  'C:\\Users\\{user}\\Downloads\\invoice_{n}.pdf.exe', 'C:\\Users\\{user}\\AppData\\Local\\Temp\\setup_{n}.tmp',
  'C:\\Users\\{user}\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\updater.lnk', 'C:\\ProgramData\\{n}\\svc.dll',
] as const;

/** Trace paths on macOS and Linux devices. */
export const MAV_UNIX_TRACE_PATHS = ['/Users/{user}/Downloads/installer_{n}.dmg', '/tmp/.cache-{n}/payload.sh'] as const;

export const AD_DEPARTMENTS = ['Reception', 'Accounts', 'Operations', 'Sales', 'Management', 'IT', 'Warehouse', 'HR'] as const;
export const AD_TITLES = ['Administrator', 'Manager', 'Assistant', 'Coordinator', 'Director', 'Technician', 'Analyst'] as const;
export const AD_SURNAMES = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Wright', 'Walker', 'Evans'] as const;
