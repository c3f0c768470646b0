<#
.SYNOPSIS
    The demo story, run by build.ps1 -Task Demo against the built module and the local stand-ins for Azure.
#>
param([Parameter(Mandatory)] [string] $ModulePath)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'

function Show-Step([string] $Text) { Write-Host ''; Write-Host "== $Text" }

Import-Module $ModulePath -Force
Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force

Show-Step 'The module and its commands'
Get-Module CustomerInsightsSynapse | Format-Table Name, Version, ModuleType | Out-Host
Get-Command -Module CustomerInsightsSynapse | Format-Table CommandType, Name | Out-Host

Show-Step 'Sign in with tokens you already hold (here: test tokens for a local Resource Manager)'
$user = '0b1c2d3e-0000-4000-8000-000000000d30'
$tenant = '7e57e57e-0000-4000-8000-000000000001'
$armUrl = 'https://127.0.0.1:9/'
$token = New-CISynapseTestToken -ObjectId $user -TenantId $tenant -Audience $armUrl.TrimEnd('/')
Connect-CISynapseAccount -AccessToken $token -ResourceManagerUrl $armUrl | Format-List | Out-Host

Show-Step 'Who the module acts as'
Get-CISynapseContext | Out-Host

Show-Step 'Sign out'
Disconnect-CISynapseAccount -Confirm:$false
Get-CISynapseContext | Out-Host
