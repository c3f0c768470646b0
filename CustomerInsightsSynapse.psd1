@{
    RootModule           = 'CustomerInsightsSynapse.dll'
    ModuleVersion        = '{{ModuleVersion}}'
    GUID                 = '6f0f3c1e-4b8e-4e43-9a57-2d5c0c7b9a31'
    Author               = 'CustomerInsightsSynapse contributors'
    CompanyName          = 'CustomerInsightsSynapse'
    Copyright            = '(c) CustomerInsightsSynapse contributors. MIT License.'
    Description          = 'Exports Dynamics 365 Customer Insights data (CDM folders) into Azure Synapse Analytics: connections, prerequisite checks and repairs for the role assignments the export needs, export definitions, and runs that land entities in ADLS Gen2 and make each a typed view in a serverless SQL database.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('CustomerInsightsSynapse.Format.ps1xml')
    CmdletsToExport      = @(
        'Connect-CISynapseAccount'
        'Disconnect-CISynapseAccount'
        'Get-CISynapseContext'
        'Get-CISynapseWorkspace'
        'Get-CISynapseStore'
        'Set-CISynapseStore'
        'New-CISynapseConnection'
        'Get-CISynapseConnection'
        'Set-CISynapseConnection'
        'Remove-CISynapseConnection'
        'Get-CISynapseRole'
        'Grant-CISynapseRole'
        'Revoke-CISynapseRole'
        'Get-CISynapseEntity'
        'Get-CISynapseExportRun'
        'Invoke-CISynapseExport'
        'Repair-CISynapsePrerequisite'
        'Test-CISynapsePrerequisite'
        'New-CISynapseExport'
        'Get-CISynapseExport'
        'Set-CISynapseExport'
        'Remove-CISynapseExport'
        'Clear-CISynapseExportSnapshot'
        'Grant-CISynapseExportAccess'
        'Revoke-CISynapseExportAccess'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Azure', 'Synapse', 'CustomerInsights', 'Dynamics365', 'CDM', 'DataLake', 'RBAC')
            ReleaseNotes = 'See README.md.'
        }
    }
}
