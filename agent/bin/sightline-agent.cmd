@node "%~dp0sightline-agent" %*
