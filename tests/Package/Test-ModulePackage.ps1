<#
.SYNOPSIS
    Publishes the built module to a local folder repository as a .nupkg, installs it from there with
    Install-PSResource and imports it by name. Run by build.ps1 -Task Package with a throwaway HOME.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleFolder,
    [Parameter(Mandatory)] [string] $RepositoryFolder,
    [Parameter(Mandatory)] [string] $Version,
    # The package's ReadyToRun code is for another platform, which alone can load it.
    [switch] $NoImport
)
$ErrorActionPreference = 'Stop'
$name = Split-Path -Leaf $ModuleFolder

Register-PSResourceRepository -Name CISynapseLocal -Uri $RepositoryFolder -Trusted
Publish-PSResource -Path $ModuleFolder -Repository CISynapseLocal
Install-PSResource -Name $name -Version $Version -Repository CISynapseLocal -Scope CurrentUser -TrustRepository

if ($NoImport) {
    $installed = Get-InstalledPSResource -Name $name -Version $Version -Scope CurrentUser
    if (-not $installed) { throw "Install-PSResource did not install $name $Version." }
    Write-Host "Installed $name $Version in $($installed.InstalledLocation) (not imported: built for another platform)"
    return
}
Import-Module $name
$module = Get-Module $name
if ($module.Version -ne [version]$Version) { throw "Installed version $($module.Version) is not $Version." }
if ($module.ModuleBase -like "$ModuleFolder*") { throw "Imported the build output instead of the installed copy." }
if (-not (Get-Command Connect-CISynapseAccount -Module $name -ErrorAction Ignore)) { throw 'The installed module exports no commands.' }
$null = Get-CISynapseContext
# Runs Core and Azure.Core code (no request is sent): ReadyToRun code made for another platform or .NET is ignored.
$token = ConvertTo-SecureString 'eyJ0eXAiOiJKV1QifQ.eyJ0aWQiOiJwYWNrYWdlIn0.c2ln' -AsPlainText -Force
$context = Connect-CISynapseAccount -AccessToken $token
if ("$($context.SignInMethod)" -ne 'AccessToken') { throw "Connect-CISynapseAccount -AccessToken answered $($context.SignInMethod)." }
Disconnect-CISynapseAccount -Confirm:$false
Write-Host "Installed and imported $name $($module.Version) from $($module.ModuleBase)"
